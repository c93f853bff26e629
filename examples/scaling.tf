# Finding (warning): servers that this scaling group launches get a boot script without the
# metadata firewall rule. Adding the rule to instance_config.user_data replaces the scaling
# configuration, and only servers launched after that change get the rule.
resource "huaweicloud_as_configuration" "web" {
  scaling_configuration_name = "web"

  instance_config {
    image              = data.huaweicloud_images_image.ubuntu.id
    flavor             = local.flavor_id
    key_name           = var.key_pair_name
    security_group_ids = [huaweicloud_networking_secgroup.app.id]

    # The AS API takes user data base64-encoded.
    user_data = base64encode(<<-EOT
      #!/bin/bash
      apt-get update && apt-get install -y nginx
      systemctl enable --now nginx
    EOT
    )

    disk {
      size        = 40
      volume_type = "SSD"
      disk_type   = "SYS"
    }
  }
}

resource "huaweicloud_as_group" "web" {
  scaling_group_name       = "web"
  scaling_configuration_id = huaweicloud_as_configuration.web.id
  desire_instance_number   = 2
  min_instance_number      = 1
  max_instance_number      = 4
  vpc_id                   = huaweicloud_vpc.main.id
  delete_publicip          = true
  delete_instances         = "yes"

  networks {
    id = huaweicloud_vpc_subnet.app.id
  }

  security_groups {
    id = huaweicloud_networking_secgroup.app.id
  }
}
