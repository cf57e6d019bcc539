"""Interfaces over ``reasoner``: the command line (``api.cli``) and, later, the HTTP service."""
