package shop.gateway.limits;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Cross-origin calls from browsers: closed unless origins are configured. */
@Configuration(proxyBeanMethods = false)
class CorsConfiguration implements WebMvcConfigurer {

    private final LimitProperties properties;

    CorsConfiguration(LimitProperties properties) {
        this.properties = properties;
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        if (!properties.corsAllowedOrigins().isEmpty()) {
            registry.addMapping("/**")
                .allowedOrigins(properties.corsAllowedOrigins().toArray(String[]::new))
                .allowedMethods("GET", "POST")
                .allowedHeaders("Authorization", "Content-Type", "Idempotency-Key", "traceparent")
                .exposedHeaders("Location", "Retry-After", "Idempotent-Replayed")
                .maxAge(600);
        }
    }
}
