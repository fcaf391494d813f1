"""Developer operations: embedded servers, `make run`, `make test`, `make bench`. No Django imports."""
