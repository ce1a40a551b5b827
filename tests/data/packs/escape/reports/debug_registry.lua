-- reaches the registry through debug
print(debug.getregistry())
