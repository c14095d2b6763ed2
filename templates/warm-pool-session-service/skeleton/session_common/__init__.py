"""What the server and the provisioner share: JSON logs."""
