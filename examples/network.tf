data "huaweicloud_availability_zones" "available" {}

data "huaweicloud_compute_flavors" "general" {
  availability_zone = data.huaweicloud_availability_zones.available.names[0]
  performance_type  = "normal"
  cpu_core_count    = 2
  memory_size       = 4
}

data "huaweicloud_images_image" "ubuntu" {
  name        = "Ubuntu 22.04 server 64bit"
  visibility  = "public"
  most_recent = true
}

data "huaweicloud_images_image" "windows" {
  name        = "Windows Server 2022 Datacenter 64bit English"
  visibility  = "public"
  most_recent = true
}

resource "huaweicloud_vpc" "main" {
  name = "metadata-guard-demo"
  cidr = "10.20.0.0/16"
}

resource "huaweicloud_vpc_subnet" "app" {
  name       = "app"
  vpc_id     = huaweicloud_vpc.main.id
  cidr       = "10.20.1.0/24"
  gateway_ip = "10.20.1.1"
}

resource "huaweicloud_networking_secgroup" "app" {
  name                 = "app"
  delete_default_rules = true
}

resource "huaweicloud_networking_secgroup_rule" "app_https_in" {
  security_group_id = huaweicloud_networking_secgroup.app.id
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = "tcp"
  ports             = "443"
  remote_ip_prefix  = "0.0.0.0/0"
}

locals {
  availability_zone = data.huaweicloud_availability_zones.available.names[0]
  flavor_id         = data.huaweicloud_compute_flavors.general.ids[0]
}
