"""The Slack app: Bolt listeners, reading messages and files, the check-and-reply path.

Empty on purpose: a worker (bot.slack.scale) imports the check-and-reply path without Bolt.
"""
