"""Reports rendered for their readers: JSON (the CLI contract), a terminal, Slack."""
