"""Review sentiment scoring."""
