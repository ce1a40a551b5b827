-- dumps a function to bytecode
print(string.dump(function() end))
