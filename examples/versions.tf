# A small Huawei Cloud project for trying Metadata Guard:
#   npx metadata-guard scan examples
# Each server below is commented with what the scan reports for it and why.

terraform {
  required_version = ">= 1.5"

  required_providers {
    huaweicloud = {
      source  = "huaweicloud/huaweicloud"
      version = "~> 1.97"
    }
  }
}

provider "huaweicloud" {
  region = var.region
}
