#!/bin/bash
# Boot script of the scripted server: it installs a package and never restricts metadata.
apt-get update && apt-get install -y redis-server
