"""Bulletin measures, one module per measure, each vectorised over series.

Series are arrays whose last axis is calendar months, oldest first, with the
month being assessed in the last position (see :func:`series.align_right`)
and NaN for a month with no data. Leading axes are anything: indicators,
partnerships, or both.
"""
