#!/bin/bash
# Boot script of the worker servers, read by file() in servers.tf.
set -euo pipefail

# Only root may reach instance metadata at 169.254.169.254.
iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT

# A rule added with iptables lasts until the next reboot, so save it.
mkdir -p /etc/iptables && iptables-save > /etc/iptables/rules.v4

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y iptables-persistent nginx
systemctl enable --now nginx
