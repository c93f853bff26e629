#!/bin/bash
# Finding: a V1 request without the X-Metadata-Token header.
curl -s http://169.254.169.254/openstack/latest/securitykey > /run/credentials.json
