"""feedtool: a show folder in, a podcast feed and site out."""

__version__ = "0.1.0"
