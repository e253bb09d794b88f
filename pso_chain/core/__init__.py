"""The engine's core: the rules, the purchase network, certification, scoring and explanation.

Everything above (buyers, olievlek, outputs, the API) computes from these; nothing here imports
from a higher layer.
"""
