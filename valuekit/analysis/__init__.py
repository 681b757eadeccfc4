"""Analysis: one module per question in DESIGN.md, behind one privacy gate."""
