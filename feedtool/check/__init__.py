"""Checking any podcast feed: the rule catalog and the checks."""
