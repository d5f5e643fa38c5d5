"""oddstui: a terminal dashboard for live sports-betting odds."""

__version__ = "0.1.0"
