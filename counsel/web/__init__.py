"""What every page shares: error pages and JSON errors, JSON-route guards, display filters."""
