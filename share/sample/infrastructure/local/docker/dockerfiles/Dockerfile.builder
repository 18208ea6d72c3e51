# Build stage shared by every demo image: installs and compiles once.
FROM node:20-alpine
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build
CMD ["/bin/sh"]
