"""The tutorial's listings.

Every file here is a complete script that a reader can copy into an empty project with only NumPy and
Matplotlib installed. The site includes these files (whole, or by ``# --8<-- [start:name]`` sections), the
build runs them to draw the figures and capture the output shown on the pages, and the tests run them
again and check what they claim.
"""
