# Clean: the boot script lets only root reach the metadata address and saves the rule.
resource "huaweicloud_compute_instance" "clean" {
  name      = "clean-01"
  image_id  = "image-id"
  flavor_id = "s6.small.1"

  user_data = <<-EOT
    #!/bin/bash
    iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT
    mkdir -p /etc/iptables && iptables-save > /etc/iptables/rules.v4
  EOT

  network {
    uuid = "subnet-id"
  }
}
