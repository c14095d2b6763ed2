"""The session provisioner: keeps the warm pool and hands its pods to sessions (`POST /session`)."""
