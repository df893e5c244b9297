"""The in-app QR scanner: scan the next point's label and open its checklist."""
