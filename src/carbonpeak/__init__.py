"""carbonpeak: carry out a district carbon peak implementation plan (碳达峰实施方案).

The package is split by capability (see ARCHITECTURE in the docs): ``units`` and ``plan`` are pure
domain packages; ``storage`` and ``cli`` are adapters around them.
"""

__version__ = "0.1.0"
