"""Layer 5: the model exchanged with other tools: its equations as one symbolic description, the
units check of those equations, and the XMILE export generated from them, the parameter schema
and the diagram.
"""
