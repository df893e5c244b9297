"""Health: /healthz and /readyz for monitors, and the administrators' low-storage warning."""
