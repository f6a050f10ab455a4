# The web service.
main() { greet web; }
