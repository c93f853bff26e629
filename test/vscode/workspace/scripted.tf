# Finding: the boot script read through file() has no metadata firewall rule. The suite never
# opens this file; its diagnostics come from the analysis of the whole folder.
resource "huaweicloud_compute_instance" "scripted" {
  name      = "scripted-01"
  image_id  = "image-id"
  flavor_id = "s6.small.1"
  user_data = file("${path.module}/scripts/boot.sh")

  network {
    uuid = "subnet-id"
  }
}
