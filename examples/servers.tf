# Linux and Windows servers. Terraform cannot set metadata options (no Huawei Cloud provider has
# an argument for them), so each server starts with metadata open to every process on it. The
# boot script is where the guest firewall rule goes.

# Finding (warning): no user_data, so nothing restricts metadata on this server.
resource "huaweicloud_compute_instance" "bastion" {
  name               = "bastion"
  image_id           = data.huaweicloud_images_image.ubuntu.id
  flavor_id          = local.flavor_id
  availability_zone  = local.availability_zone
  key_pair           = var.key_pair_name
  security_group_ids = [huaweicloud_networking_secgroup.app.id]
  system_disk_type   = "SSD"
  system_disk_size   = 40

  network {
    uuid = huaweicloud_vpc_subnet.app.id
  }
}

# The batch server reads its input from OBS with temporary credentials from this agency. The
# metadata service hands those credentials to any process that asks for them.
resource "huaweicloud_identity_agency" "batch" {
  name                   = "batch-obs-access"
  description            = "Lets the batch servers read and write their OBS buckets"
  delegated_service_name = "op_svc_ecs"
  duration               = "FOREVER"
  domain_roles           = ["OBS OperateAccess"]
}

# Finding (error): an agency is attached and the boot script has no metadata firewall rule, so
# any user or SSRF bug on the server can read the agency's credentials.
resource "huaweicloud_compute_instance" "batch" {
  name               = "batch-01"
  image_id           = data.huaweicloud_images_image.ubuntu.id
  flavor_id          = local.flavor_id
  availability_zone  = local.availability_zone
  key_pair           = var.key_pair_name
  security_group_ids = [huaweicloud_networking_secgroup.app.id]
  agency_name        = huaweicloud_identity_agency.batch.name

  user_data = <<-EOT
    #!/bin/bash
    apt-get update && apt-get install -y python3-pip
    pip3 install esdk-obs-python
  EOT

  network {
    uuid = huaweicloud_vpc_subnet.app.id
  }
}

# Clean: the heredoc installs the documented rule (only root may reach 169.254.169.254) and
# saves it so that it survives a reboot.
resource "huaweicloud_compute_instance" "api" {
  name               = "api-01"
  image_id           = data.huaweicloud_images_image.ubuntu.id
  flavor_id          = local.flavor_id
  availability_zone  = local.availability_zone
  key_pair           = var.key_pair_name
  security_group_ids = [huaweicloud_networking_secgroup.app.id]
  agency_name        = huaweicloud_identity_agency.batch.name

  user_data = <<-EOT
    #!/bin/bash
    iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT
    mkdir -p /etc/iptables && iptables-save > /etc/iptables/rules.v4
    systemctl enable --now api.service
  EOT

  network {
    uuid = huaweicloud_vpc_subnet.app.id
  }
}

# Clean: the rule is in scripts/bootstrap.sh, which Metadata Guard reads through file().
resource "huaweicloud_compute_instance" "worker" {
  name               = "worker-01"
  image_id           = data.huaweicloud_images_image.ubuntu.id
  flavor_id          = local.flavor_id
  availability_zone  = local.availability_zone
  key_pair           = var.key_pair_name
  security_group_ids = [huaweicloud_networking_secgroup.app.id]
  user_data          = file("${path.module}/scripts/bootstrap.sh")

  network {
    uuid = huaweicloud_vpc_subnet.app.id
  }
}

# Finding (warning): the rule sits on chain FORWARD, which filters traffic routed through the
# server (containers), not connections made by the server's own users.
resource "huaweicloud_compute_instance" "docker_host" {
  name               = "docker-01"
  image_id           = data.huaweicloud_images_image.ubuntu.id
  flavor_id          = local.flavor_id
  availability_zone  = local.availability_zone
  key_pair           = var.key_pair_name
  security_group_ids = [huaweicloud_networking_secgroup.app.id]

  user_data = <<-EOT
    #!/bin/bash
    apt-get update && apt-get install -y docker.io
    iptables -I FORWARD -p tcp -d 169.254.169.254 -j REJECT
  EOT

  network {
    uuid = huaweicloud_vpc_subnet.app.id
  }
}

# Clean: the boot script comes from var.reporting_user_data, whose default has the rule.
resource "huaweicloud_compute_instance" "reporting" {
  name               = "reporting-01"
  image_id           = data.huaweicloud_images_image.ubuntu.id
  flavor_id          = local.flavor_id
  availability_zone  = local.availability_zone
  key_pair           = var.key_pair_name
  security_group_ids = [huaweicloud_networking_secgroup.app.id]
  user_data          = var.reporting_user_data

  network {
    uuid = huaweicloud_vpc_subnet.app.id
  }
}

# Clean: a Windows server whose Cloudbase-Init script (#ps1) blocks outbound TCP to the metadata
# address for every user except Administrator. The SDDL given to -LocalUser denies the rule to
# the Administrator account and allows it for Everyone (WD).
resource "huaweicloud_compute_instance" "windows_app" {
  name               = "win-app-01"
  image_id           = data.huaweicloud_images_image.windows.id
  flavor_id          = local.flavor_id
  availability_zone  = local.availability_zone
  admin_pass         = var.windows_admin_password
  security_group_ids = [huaweicloud_networking_secgroup.app.id]
  system_disk_size   = 60

  user_data = <<-EOT
    #ps1
    $admin = New-Object System.Security.Principal.NTAccount('Administrator')
    $adminSid = $admin.Translate([System.Security.Principal.SecurityIdentifier]).Value
    $sddl = "O:LSD:(D;;CC;;;$adminSid)(A;;CC;;;WD)"
    New-NetFirewallRule -DisplayName 'Restrict instance metadata' -Direction Outbound `
      -Action Block -Protocol TCP -RemoteAddress 169.254.169.254 -LocalUser $sddl
  EOT

  network {
    uuid = huaweicloud_vpc_subnet.app.id
  }
}
