-- reads the environment
print(os.getenv("HOME"))
