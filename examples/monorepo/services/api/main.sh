# The api service.
main() { greet api; }
