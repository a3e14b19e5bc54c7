"""Stages 02 (prepare) and 03 (train): the ms-swift dataset, prompt and loss plugin, the training run and its log."""
