"""Turning the model into bytes: the feed, the Podcasting 2.0 extension, archive pages, sidecar files, the site."""
