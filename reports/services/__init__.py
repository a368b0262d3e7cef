"""What the reports write: the weekly record (build, rebuild, decisions, subscriptions, sending)."""
