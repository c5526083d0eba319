"""Commands that help write a show: init, add, tag, serve, list, inspect."""
