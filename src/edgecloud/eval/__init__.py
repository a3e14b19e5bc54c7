"""Stage 04 (eval): routers, routing statistics, calibration of the routing score, metrics, evaluation through a server."""
