"""The web app (`pso-chain serve`)."""
