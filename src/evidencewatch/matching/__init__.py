"""Gene matching and evidence extraction: pure functions over parsed records."""
