package shop.defaults;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/** Wires the shared defaults into every Shop service that has this module on its classpath. */
@AutoConfiguration(beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@EnableConfigurationProperties({ ServiceDefaultsProperties.class, InternalAuthProperties.class })
@Import({ ApiErrorHandler.class, ProblemErrorController.class })
public class ServiceDefaultsAutoConfiguration implements WebMvcConfigurer {

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArgumentResolver());
    }

    /** Only in the services with a database: a static bean, as a post-processor must be. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "com.zaxxer.hikari.HikariDataSource")
    static class Database {

        @Bean
        static StatementTimeouts statementTimeouts(Environment environment) {
            return new StatementTimeouts(Binder.get(environment)
                .bind("shop.database.statement-timeout", Duration.class)
                .orElse(Duration.ofSeconds(5)));
        }
    }

    @Bean
    InternalTokens internalTokens(@Value("${spring.application.name}") String service,
            InternalAuthProperties properties) {
        return new InternalTokens(service, properties, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "shop.internal-auth.required", matchIfMissing = true)
    FilterRegistrationBean<InternalAuthentication> internalAuthentication(InternalTokens tokens, JsonMapper json) {
        var registration = new FilterRegistrationBean<>(new InternalAuthentication(tokens, json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /** Tomcat's own refusals answer with a problem detail too (see {@link ProblemErrorReportValve}). */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }

    @Bean
    StrictJson strictJson() {
        return new StrictJson();
    }

    @Bean
    FilterRegistrationBean<SecurityHeaders> securityHeaders() {
        var registration = new FilterRegistrationBean<>(new SecurityHeaders());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Right after the observation filter (HIGHEST_PRECEDENCE + 1): refusals show in the request metrics. */
    @Bean
    FilterRegistrationBean<InFlightLimit> inFlightLimit(ServiceDefaultsProperties properties, JsonMapper json) {
        var registration = new FilterRegistrationBean<>(new InFlightLimit(properties.maxInFlight(), json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimit> requestSizeLimit(ServiceDefaultsProperties properties, JsonMapper json) {
        var registration = new FilterRegistrationBean<>(new RequestSizeLimit(properties.maxBodySize(), json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
