"""Routers xlwings Server adds to its own: custom.py holds the headless rebuild."""
