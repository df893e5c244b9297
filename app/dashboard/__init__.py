"""The managers' dashboard: monthly figures and their charts."""
