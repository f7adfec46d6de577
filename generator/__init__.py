"""newsroom: a static site generator for a think tank's news section."""

__version__ = "0.1.0"
