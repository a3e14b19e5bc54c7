"""Stages 05 (deploy) and 06 (e2e): the gateway, the stack of swift deploy + gateway, smoke and end-to-end checks, the browser client."""
