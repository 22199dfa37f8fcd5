"""Kept so that `python setup.py` tooling and older pip still work; metadata lives in setup.cfg."""

from setuptools import setup

setup()
