"""Users, departments, roles and logging in."""
