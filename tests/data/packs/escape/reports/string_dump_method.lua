-- finds string.dump as a method of strings
print(("").dump(print))
