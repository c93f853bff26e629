# Finding: the boot script has no metadata firewall rule, so any process on the server can read
# instance metadata. The extension-host suite applies the quick fix to this file.
resource "huaweicloud_compute_instance" "open" {
  name      = "open-01"
  image_id  = "image-id"
  flavor_id = "s6.small.1"

  user_data = <<-EOT
    #!/bin/bash
    apt-get update && apt-get install -y nginx
  EOT

  network {
    uuid = "subnet-id"
  }
}
