variable "region" {
  type    = string
  default = "ap-southeast-3"
}

variable "key_pair_name" {
  type        = string
  description = "Existing SSH key pair for the Linux servers."
  default     = "ops-team"
}

# The reporting server takes its boot script from this variable. Metadata Guard follows the
# variable to its default, finds the firewall rule there, and reports nothing for that server.
variable "reporting_user_data" {
  type        = string
  description = "Boot script of the reporting server."
  default     = <<-EOT
    #!/bin/bash
    # Only root may reach instance metadata; the rule is saved so it survives a reboot.
    iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT
    mkdir -p /etc/iptables && iptables-save > /etc/iptables/rules.v4
    export DEBIAN_FRONTEND=noninteractive
    apt-get update && apt-get install -y iptables-persistent postgresql-client
  EOT
}

variable "windows_admin_password" {
  type        = string
  description = "Administrator password of the Windows server."
  sensitive   = true
}
