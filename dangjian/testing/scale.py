"""Datasets of the scale generator small enough for a test."""

from __future__ import annotations

from dangjian.scale import dataset

# Two counties under a prefecture.
TWO_COUNTIES = dataset.Scale("two-counties", 1, 2, 16, 1_600)
