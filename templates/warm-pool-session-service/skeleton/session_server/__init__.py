"""The WebSocket server that runs in every session pod."""
