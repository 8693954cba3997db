"""Scenario tests: the real Bolt app over the real HTTP server against a fake Slack Web API."""
