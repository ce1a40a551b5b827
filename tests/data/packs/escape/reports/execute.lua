-- runs a program with os.execute
os.execute("touch escape-was-here")
